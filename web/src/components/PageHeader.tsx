/** The top of every page: the breadcrumb (its section, then the page) and the page's title. */
export function PageHeader({ section, href, page, title = page }: { section: string; href: string; page: string; title?: string }) {
  return (
    <>
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <ol>
          <li>
            <a href={href}>{section}</a>
          </li>
          <li aria-current="page">{page}</li>
        </ol>
      </nav>
      <h1>{title}</h1>
    </>
  );
}
