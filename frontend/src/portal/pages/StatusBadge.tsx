/** A request's status as the API names it, coloured by its category (new, open, waiting, resolved...). */
export function StatusBadge({ status }: { status: { key: string; name: string; category: string } }) {
  return (
    <span className={`portal-status portal-status--${status.category}`} data-status={status.key}>
      {status.name}
    </span>
  );
}
