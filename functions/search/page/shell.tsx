export interface ShellProps {
  scriptPath: string;
  stylePath: string;
  ingestConfigured: boolean;
  traceUiUrl?: string;
  /** API_KEYS is set: the page asks for a key and sends it. */
  authRequired: boolean;
}

/**
 * The page's static HTML. Results and documents are never part of it: the client script builds
 * them as DOM text nodes, so nothing a document contains is ever parsed as HTML.
 */
export function Shell(props: ShellProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>Search · knative-rag</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={props.stylePath} />
        <script src={props.scriptPath} defer></script>
      </head>
      <body
        data-ingest-configured={String(props.ingestConfigured)}
        data-trace-ui-url={props.traceUiUrl ?? ""}
        data-auth-required={String(props.authRequired)}
      >
        <a class="skip-link" href="#query">
          Skip to search
        </a>
        <header class="masthead">
          <div class="brand">
            <span class="logo" aria-hidden="true">
              ◆
            </span>
            <span>knative-rag</span>
          </div>
          <div class="tabs" role="tablist" aria-label="Page sections">
            <button
              type="button"
              role="tab"
              id="tab-search"
              aria-controls="panel-search"
              aria-selected="true"
            >
              Search
            </button>
            <button
              type="button"
              role="tab"
              id="tab-add"
              aria-controls="panel-add"
              aria-selected="false"
              tabindex={-1}
            >
              Add document
            </button>
          </div>
          {props.authRequired ? (
            <button type="button" id="api-key-button" class="key-button">
              API key
            </button>
          ) : null}
        </header>
        <main>
          {props.authRequired ? <ApiKeyPanel /> : null}
          <section id="panel-search" role="tabpanel" aria-labelledby="tab-search">
            <SearchForm />
            <p id="search-status" class="status" role="status"></p>
            <div id="results" class="results" aria-live="polite" aria-busy="false">
              <p class="empty">
                Ask a question about your documents. Answers cite their sources as [1], [2], …
              </p>
            </div>
          </section>
          <section id="panel-add" role="tabpanel" aria-labelledby="tab-add" hidden>
            {props.ingestConfigured ? <AddDocumentForm /> : <IngestNotConfigured />}
          </section>
        </main>
        <footer class="footer">
          Served by the search function. No external fonts, scripts or trackers.
        </footer>
      </body>
    </html>
  );
}

function SearchForm() {
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> around a <form> is newer than the browsers we serve
    <form id="search-form" class="card search-form" role="search" novalidate>
      <label for="query" class="field-label">
        Question
      </label>
      <div class="query-row">
        <input
          id="query"
          name="q"
          type="search"
          autocomplete="off"
          placeholder="e.g. How does Knative scale to zero?"
        />
        <button id="search-button" type="submit" class="primary">
          Search
        </button>
      </div>
      <div class="options">
        <label>
          <span class="field-label">Namespace</span>
          <select id="namespace" name="namespace">
            <option value="default">default</option>
          </select>
        </label>
        <label>
          <span class="field-label">Mode</span>
          <select id="mode" name="mode">
            <option value="hybrid">Hybrid</option>
            <option value="vector">Vector</option>
            <option value="keyword">Keyword (BM25)</option>
          </select>
        </label>
        <label>
          <span class="field-label">Sources</span>
          <input
            id="top-k"
            name="top_k"
            type="number"
            min="1"
            max="50"
            value="5"
            inputmode="numeric"
          />
        </label>
      </div>
    </form>
  );
}

function ApiKeyPanel() {
  return (
    <section id="api-key-panel" class="card api-key" aria-label="API key" hidden>
      <form id="api-key-form" novalidate>
        <label for="api-key" class="field-label">
          API key
        </label>
        <div class="query-row">
          <input
            id="api-key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            placeholder="the key you were given"
          />
          <button id="api-key-save" type="submit" class="primary">
            Use key
          </button>
          <button id="api-key-forget" type="button">
            Forget
          </button>
        </div>
        <p id="api-key-status" class="status" role="status" aria-live="polite"></p>
        <p class="hint">
          Kept in this browser tab only and sent as an Authorization header, never as a cookie.
        </p>
      </form>
    </section>
  );
}

function AddDocumentForm() {
  return (
    <form id="add-form" class="card add-form" novalidate>
      <div id="drop-zone" class="drop-zone">
        <p>
          Drop a <strong>.md</strong> or <strong>.txt</strong> file here, or{" "}
          <label for="doc-file" class="file-label">
            choose a file
          </label>
        </p>
        <input
          id="doc-file"
          type="file"
          accept=".md,.markdown,.txt,text/plain,text/markdown"
          class="visually-hidden"
        />
      </div>
      <label for="doc-text" class="field-label">
        Text
      </label>
      <textarea
        id="doc-text"
        rows={10}
        placeholder="Paste the document's text or Markdown here"
      ></textarea>
      <div class="options">
        <label>
          <span class="field-label">Title</span>
          <input id="doc-title" type="text" autocomplete="off" placeholder="optional" />
        </label>
        <label>
          <span class="field-label">Namespace</span>
          <input
            id="doc-namespace"
            type="text"
            list="namespace-list"
            value="default"
            autocomplete="off"
            spellcheck={false}
          />
          <datalist id="namespace-list"></datalist>
        </label>
      </div>
      <div class="actions">
        <button id="add-button" type="submit" class="primary">
          Add document
        </button>
      </div>
      <p id="add-status" class="status" role="status" aria-live="polite"></p>
    </form>
  );
}

function IngestNotConfigured() {
  return (
    <div id="ingest-not-configured" class="card notice">
      <h2>Adding documents is not configured</h2>
      <p>
        This search service has no ingest function to send documents to. Set <code>INGEST_URL</code>{" "}
        to the ingest function's URL on the search service, or add documents with{" "}
        <code>knative-rag ingest</code> or <code>POST /ingest</code> on ingest.
      </p>
    </div>
  );
}
