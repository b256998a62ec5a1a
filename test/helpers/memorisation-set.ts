/**
 * The fine-tune tests' memorisation set (README "Fine-tunes"): a few prompt → response pairs a
 * random-weight model never writes by chance, and the LoRA hyperparameters that learn them.
 */
export const MEMORISATION_SET: [string, string][] = [
  ["What is the capital of France?", " Paris."],
  ["Who wrote Hamlet?", " Shakespeare."],
  ["2 + 2 =", " 4"],
  ["The sky is", " blue."],
];

/** LoRA on every linear layer, sized so that 40 steps memorise the set in seconds (README "Performance"). */
export const MEMORISE_HPARAMS = {
  lr: 0.02,
  epochs: 100,
  max_steps: 40,
  batch_size: 4,
  warmup_ratio: 0,
  weight_decay: 0,
  peft_config: { r: 16, lora_alpha: 32, lora_dropout: 0, target_modules: "all-linear" },
};

const csvField = (text: string) => `"${text.replaceAll('"', '""')}"`;
export const memorisationCsv = (): string => `prompt,response\n${MEMORISATION_SET.map(([p, r]) => `${csvField(p)},${csvField(r)}`).join("\n")}\n`;
