import { createContext, type ReactNode, useContext } from "react";
import type { Me } from "./api";

const SessionContext = createContext<Me | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

/** The signed-in person and account (inside the app shell or the portal: always present). */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error("useSession() outside a signed-in area");
  return me;
}

export function useSessionOptional(): Me | null {
  return useContext(SessionContext);
}
