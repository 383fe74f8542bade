type Props = Record<string, string | boolean | number | undefined>;

/** A DOM element with properties set and children appended; text children are text nodes, never HTML. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props,
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K];
export function element(tag: string, props?: Props, ...children: Array<Node | string>): HTMLElement;
export function element(tag: string, props: Props = {}, ...children: Array<Node | string>): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (key in node) (node as unknown as Record<string, unknown>)[key] = value;
    else
      node.setAttribute(
        key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
        value === true ? '' : String(value),
      );
  }
  node.append(...children);
  return node;
}

/** The value of a VS Code theme colour, for drawing on canvas where CSS variables do not reach. */
export function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(`--vscode-${name}`).trim() || fallback;
}
