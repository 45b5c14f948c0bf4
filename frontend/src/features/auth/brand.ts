import { createContext, useContext } from "react";

/**
 * Whose signed-out pages these are: the portal (PublicLayout) provides the account's branded
 * name, so the sign-in and invitation pages say it instead of the product's; the agent app
 * provides nothing and they say "Atrium".
 */
export const AuthBrandContext = createContext<string | undefined>(undefined);

export function useAuthBrand(): string | undefined {
  return useContext(AuthBrandContext);
}
