// A node for Monaco's hovers and suggestions on the page's top level, outside the panels'
// containment (which would clip them at the machine panel's edge). Monaco styles its
// widgets under its editor class, so the node carries it. Loaded lazily with Monaco.
export function overflowWidgetsHost(): HTMLDivElement {
  const node = document.createElement('div');
  node.className = 'monaco-editor td-overflow-widgets';
  document.body.append(node);
  return node;
}
