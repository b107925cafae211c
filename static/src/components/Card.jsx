export function Card({ title, children, testid, className = '', headingLevel = 2 }) {
  const H = `h${headingLevel}`;
  return (
    <section className={`card ${className}`} data-testid={testid} aria-label={title}>
      <H className="card-title">{title}</H>
      {children}
    </section>
  );
}
