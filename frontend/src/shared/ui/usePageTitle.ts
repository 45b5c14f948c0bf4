import { useEffect } from "react";

/** Sets document.title to "<page> · <suffix>" while the page is shown. */
export function usePageTitle(title: string | undefined, suffix = "Atrium"): void {
  useEffect(() => {
    if (!title) return;
    const previous = document.title;
    document.title = `${title} · ${suffix}`;
    return () => {
      document.title = previous;
    };
  }, [title, suffix]);
}
