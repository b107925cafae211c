// A card: a titled box. Not a landmark (no accessible name on the section), so two cards
// with the same title never make two landmarks of one name; the heading is its label.
// `actions` sits at the heading's right (switches, links).
export function Card({ title, children, testid, className = '', headingLevel = 2, actions = null }) {
  const H = `h${headingLevel}`;
  return (
    <section className={`card ${className}`} data-testid={testid}>
      {actions
        ? <div className="card-head"><H className="card-title">{title}</H><div className="card-actions">{actions}</div></div>
        : <H className="card-title">{title}</H>}
      {children}
    </section>
  );
}
