import { createContext, useContext, useEffect } from "react";

const TitleSuffix = createContext<string | undefined>(undefined);

/** What page titles end in below it (the portal: the account's name); "Atrium" without one. */
export const PageTitleSuffix = TitleSuffix.Provider;

/** Sets document.title to "<page> · <suffix>" while the page is shown (the suffix alone when they are the same). */
export function usePageTitle(title: string | undefined, suffix?: string): void {
  const fromContext = useContext(TitleSuffix);
  const end = suffix ?? fromContext ?? "Atrium";
  useEffect(() => {
    if (!title) return;
    const previous = document.title;
    document.title = title === end ? title : `${title} · ${end}`;
    return () => {
      document.title = previous;
    };
  }, [title, end]);
}
