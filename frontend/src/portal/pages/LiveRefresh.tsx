/**
 * The live part of a portal list, its own chunk (with the live client): mounted once the
 * browser is idle after the first screen. `onChange` runs on every event and on a refetch the
 * server asks for, and once when the subscription is confirmed: changes made between the list's
 * fetch and the subscription would be missed otherwise.
 */
import { useLive } from "@/shared/live";
import type { Topic } from "@/shared/live";

export default function LiveRefresh({ topic, onChange }: { topic: Topic; onChange: () => void }) {
  useLive(topic, { onEvent: onChange, onRefetch: onChange, onSubscribed: onChange });
  return null;
}
