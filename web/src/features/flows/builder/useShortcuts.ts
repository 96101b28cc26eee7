import { useEffect } from "react";

import { useBuilder } from "../state/builderStore";

// Undo/redo and copy/paste from the keyboard, except while typing in a field (where the field's
// own undo and clipboard apply).
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function useShortcuts(enabled: boolean, onPaste?: () => void) {
  useEffect(() => {
    if (!enabled) return;
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || typing(event.target) || !(event.ctrlKey || event.metaKey) || event.altKey) return;
      // A dialog (publish, history) has the keyboard: leave it alone.
      if (document.querySelector(".mantine-Modal-content")) return;
      const key = event.key.toLowerCase();
      const store = useBuilder.getState();
      if (key === "z" && !event.shiftKey) store.undo();
      else if ((key === "z" && event.shiftKey) || key === "y") store.redo();
      else if (key === "c") {
        if (!store.copy()) return;
      } else if (key === "v") {
        if (store.paste().length === 0) return;
        onPaste?.();
      } else return;
      event.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled, onPaste]);
}
