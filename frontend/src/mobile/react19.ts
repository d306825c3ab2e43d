/**
 * antd-mobile 5 renders its imperative pieces (Dialog.confirm, Toast.show) with react-dom's legacy `render`, which
 * React 19 no longer has: without this they silently never appear. Its documented React 19 adapter: one root per
 * container.
 */
import { unstableSetRender } from "antd-mobile";
import { createRoot, type Root } from "react-dom/client";

const roots = new WeakMap<Element | DocumentFragment, Root>();

export function adaptAntdMobileToReact19(): void {
  unstableSetRender((node, container) => {
    let root = roots.get(container);
    if (!root) {
      root = createRoot(container);
      roots.set(container, root);
    }
    root.render(node);
    return async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      root.unmount();
      roots.delete(container);
    };
  });
}
