/**
 * End to end without a model: the guided-decoding compilers in the engine's own Python, checked by
 * brute force (every integer of a range against its regex) and by lark and jsonschema themselves
 * (a compiled schema's grammar accepts documents that validate and refuses ones that do not).
 */
import { describe, expect, it } from "vitest";
import { runLlmPython } from "../../helpers/tiny-model.js";

const INTEGER_RANGES = `
import json, regex
from launch_local_llm.guided.json_regex import integer_range, bounded_number, at_least
cases = [(0, 120), (5, 5), (-10, -3), (-5, 10), (None, -3), (5, None), (None, None), (0, None), (-120, 0), (17, 3456), (99, 100), (0, 0)]
wrong = []
for low, high in cases:
    pattern = regex.compile(integer_range(low, high))
    for n in range(-4000, 4001):
        inside = (low is None or n >= low) and (high is None or n <= high)
        if bool(pattern.fullmatch(str(n))) != inside:
            wrong.append([low, high, n])
    wrong += [[low, high, text] for text in ("01", "00", "+1", "1.0", "") if pattern.fullmatch(text)]
unit = regex.compile(bounded_number(0, 1))
wrong += [text for text, ok in [("0", 1), ("0.25", 1), ("1", 1), ("1.00", 1), ("1.5", 0), ("2", 0), ("-0.1", 0)] if bool(unit.fullmatch(text)) != bool(ok)]
three = regex.compile(at_least(3))
wrong += [text for text, ok in [("3", 1), ("2.9", 0), ("3.5", 1), ("120.25", 1), ("03", 0)] if bool(three.fullmatch(text)) != bool(ok)]
print(json.dumps(wrong))
`;

// Parses each document with lark's LALR parser over the engine's terminals (no torch needed).
const SCHEMA_GRAMMAR = `
import json, sys
from launch_local_llm.guided.grammar_constraint import GrammarSpec
from launch_local_llm.guided.json_schema import SchemaGrammar
from launch_local_llm.errors import RequestError
from lark import Token
schema, documents = json.loads(sys.argv[1]), json.loads(sys.argv[2])
grammar, terminals = SchemaGrammar(schema).compile()
spec = GrammarSpec(grammar, terminals)
def lex_and_parse(text):
    parser = spec._lark.parse_interactive("")
    position = 0
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        best = None
        for name in spec.accepts(parser):
            terminal = spec.terminals.get(name)
            end = terminal.match(text, position) if terminal is not None else None
            if end is not None and (best is None or end > best[1]):
                best = (name, end)
        if best is None:
            return False
        parser = spec.feed(parser, best[0], text[position:best[1]])
        if parser is None:
            return False
        position = best[1]
    return "$END" in spec.accepts(parser)
print(json.dumps([lex_and_parse(text) for text in documents]))
`;

function refusal(schema: unknown): string {
  const code =
    "import json, sys\nfrom launch_local_llm.guided.json_schema import SchemaGrammar\nfrom launch_local_llm.errors import RequestError\ntry:\n    SchemaGrammar(json.loads(sys.argv[1])).compile(); print('compiled')\nexcept RequestError as error:\n    print(error.message)";
  return runLlmPython(code, [JSON.stringify(schema)]).trim();
}

describe("guided-decoding compilers", () => {
  it("writes integer ranges and number bounds whose regexes hold exactly the numbers in range", () => {
    expect(JSON.parse(runLlmPython(INTEGER_RANGES))).toEqual([]);
  });

  it("compiles a schema to a grammar that takes what validates and refuses what does not", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "integer", minimum: 1, maximum: 3 },
        b: { type: "string", maxLength: 2 },
        c: { type: "array", items: { enum: [true, null] }, maxItems: 2 },
      },
      required: ["a"],
    };
    const documents = [
      '{"a": 2}',
      '{"a": 1, "c": [true, null]}',
      '{"a": 3, "b": "xy", "c": []}',
      '{"b": "x"}',
      '{"a": 4}',
      '{"a": 1, "b": "xyz"}',
      '{"c": [], "a": 1}',
      '{"a": 1, "c": [true, true, true]}',
    ];
    expect(JSON.parse(runLlmPython(SCHEMA_GRAMMAR, [JSON.stringify(schema), JSON.stringify(documents)]))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    const recursive = {
      $defs: { node: { type: "object", properties: { next: { anyOf: [{ $ref: "#/$defs/node" }, { type: "null" }] } }, required: ["next"] } },
      $ref: "#/$defs/node",
    };
    expect(JSON.parse(runLlmPython(SCHEMA_GRAMMAR, [JSON.stringify(recursive), JSON.stringify(['{"next": {"next": null}}', '{"next": {}}'])]))).toEqual([
      true,
      false,
    ]);
  });

  it("refuses the keywords it cannot honour, by name", () => {
    expect(refusal({ type: "number", multipleOf: 2 })).toBe("guided_json: the JSON Schema keyword 'multipleOf' is not supported by launch-local's engine.");
    expect(refusal({ type: "object", patternProperties: { "^x": {} } })).toContain("'patternProperties'");
    expect(refusal({ allOf: [{ type: "string" }, { maxLength: 3 }] })).toContain("allOf (with more than one schema)");
    expect(refusal({ $ref: "https://example.com/schema" })).toContain("only local $ref");
    expect(refusal({ type: "number", minimum: -1.5 })).toContain("minimum/maximum on a number");
    expect(refusal({ type: "object", properties: { a: { type: "string" } } })).toBe("compiled");
  });
});
