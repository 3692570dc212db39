/**
 * The help text of `policylens serve`, in a file of its own so that the CLI bundle can show it
 * without pulling in the registry (and PGlite) itself.
 */
export const USAGE = `Usage: policylens serve [--port N] [--host 127.0.0.1] [--data-dir DIR | --database-url URL]
       policylens serve --create-key --org NAME [--actor ID] [--data-dir DIR | --database-url URL]
       policylens serve --seed-key KEY --org NAME [...]   register a known key, then serve

Runs the local Execlave-compatible policy registry on http://127.0.0.1:7420/api/v1 (--port 0 picks
a free port; the URL is printed once the server listens). Storage is PGlite in --data-dir (default
.policylens/registry under the current directory), or a PostgreSQL server with --database-url (also
read from POLICYLENS_DATABASE_URL). Requests run as the database role policylens_app, which may
only read and append audit events (--app-role NAME to choose another, --app-role none to run as
the login user). --create-key prints a new API key for the org once, and exits.
See docs/registry.md for the HTTP API.`;
