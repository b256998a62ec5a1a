/**
 * The XML of the S3 wire: a writer for the answers (ListBucketResult, Error, …) and a reader for the
 * two request bodies the door takes (CompleteMultipartUpload, Delete), whose shapes are fixed and
 * flat enough that a small tag reader is all they need.
 */
export const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

export interface XmlElement {
  name: string;
  content: string | XmlElement[];
}

type XmlContent = string | number | boolean | XmlElement[];

export const el = (name: string, content: XmlContent): XmlElement => ({ name, content: Array.isArray(content) ? content : String(content) });

/** Elements for the present values only (S3 leaves absent fields out). */
export const optional = (name: string, value: string | number | null | undefined): XmlElement[] =>
  value === null || value === undefined ? [] : [el(name, value)];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

function render(element: XmlElement): string {
  const inner = typeof element.content === "string" ? escapeXml(element.content) : element.content.map(render).join("");
  return `<${element.name}>${inner}</${element.name}>`;
}

/** A whole document; the root carries S3's namespace unless `namespace` is false (Error bodies). */
export function xmlDocument(root: XmlElement, namespace = true): string {
  const body = render(root);
  const opened = namespace ? body.replace(`<${root.name}>`, `<${root.name} xmlns="${S3_NAMESPACE}">`) : body;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${opened}`;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

/** The inner text of every `<name>…</name>` in `xml`, in order (attributes on the tag allowed). */
export function xmlElements(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, "g");
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? "");
}

/** The first `<name>` child's text, unescaped; null when absent. */
export function xmlText(xml: string, name: string): string | null {
  const [first] = xmlElements(xml, name);
  return first === undefined ? null : unescapeXml(first.trim());
}
