/** The HTML of a docs page (static/docs/docs.js renders `specUrl` into it; nothing else is loaded). */
export const DOCS_ASSETS = "/_launch_local/static/docs";

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);

export function docsPage(title: string, specUrl: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${DOCS_ASSETS}/docs.css">
</head>
<body>
<main id="docs" data-spec="${escapeHtml(specUrl)}"><noscript>This page needs JavaScript; the document itself is at ${escapeHtml(specUrl)}.</noscript></main>
<script src="${DOCS_ASSETS}/docs.js" defer></script>
</body>
</html>
`;
}
