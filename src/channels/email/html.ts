import type { Reply, Table } from '../../assistant/reply.js';

/**
 * A reply as the HTML part of a mail, in the order the text part has it: the first
 * paragraph, the table, then the rest. Only structure is written here; the words come
 * from the reply, and the page around it from the `email.html` template.
 */
export function renderHtml(reply: Reply): string {
  const paragraphs = reply.text.filter((text) => text !== '').map((text) => `<p>${escapeHtml(text).replaceAll('\n', '<br>')}</p>`);
  if (!reply.table) return paragraphs.join('\n');
  const [first = '', ...rest] = paragraphs;
  return [first, renderTable(reply.table), ...rest].filter((part) => part !== '').join('\n');
}

function renderTable(table: Table): string {
  const cell = (tag: 'th' | 'td', text: string, column: number) => {
    const align = table.alignRight?.includes(column) ? 'right' : 'left';
    return `<${tag} style="text-align: ${align}; padding: 4px 12px 4px 0; border-bottom: 1px solid #ddd;">${escapeHtml(text)}</${tag}>`;
  };
  const head = `<tr>${table.columns.map((text, i) => cell('th', text, i)).join('')}</tr>`;
  const rows = table.rows.map((row) => `<tr>${row.map((text, i) => cell('td', text, i)).join('')}</tr>`);
  return `<table style="border-collapse: collapse;">\n${[head, ...rows].join('\n')}\n</table>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
