/* The timeline on the Explore page, as a Streamlit component (pages/timeline.py). It shows the
   timeline's HTML, which the server renders from a template for the current selection, and turns a
   click on an event into a selection without reloading the page. The events stay real links
   (?event=<slug>): opened in a new tab, or if this script fails, they still open the event. */
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".atlas-timeline-root");
  if (!root) {
    root = document.createElement("div");
    root.className = "atlas-timeline-root";
    parentElement.appendChild(root);
  }
  // Keep the keyboard where it was: the new HTML replaces the link that had the focus.
  const active = "activeElement" in parentElement ? parentElement.activeElement : document.activeElement;
  const focused = active && active.dataset ? active.dataset.event : null;
  if (root.dataset.html !== data) {
    root.innerHTML = data; // the server's template output, autoescaped
    root.dataset.html = data;
  }
  if (focused) {
    const again = root.querySelector('.tl-list a[data-event="' + CSS.escape(focused) + '"]');
    if (again && again !== active) { again.focus(); }
  }

  function onClick(event) {
    const link = event.target.closest ? event.target.closest("a[data-event]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) { return; }
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; } // a new tab or window
    event.preventDefault();
    setTriggerValue("select", link.dataset.event);
  }

  root.addEventListener("click", onClick);
  return function () { root.removeEventListener("click", onClick); };
}
