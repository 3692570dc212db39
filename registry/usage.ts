/**
 * The help text of `policylens serve`, in a file of its own so that the CLI bundle can show it
 * without pulling in the registry (and PGlite) itself.
 */
export const USAGE = `Usage: policylens serve [--port N] [--host 127.0.0.1] [--data-dir DIR | --database-url URL]
       policylens serve --create-key --org NAME [--actor ID] [--data-dir DIR | --database-url URL]
       policylens serve --list-keys [--org NAME] [--data-dir DIR | --database-url URL]
       policylens serve --revoke-key ID [--org NAME] [--data-dir DIR | --database-url URL]
       POLICYLENS_SEED_KEY=KEY policylens serve --org NAME [...]   register a known key, then serve
       policylens serve --seed-key-file FILE --org NAME [...]       the same, the key read from FILE

Runs the local Execlave-compatible policy registry on http://127.0.0.1:7420/api/v1 (--port 0 picks
a free port; the URL is printed once the server listens). Storage is PGlite in --data-dir (default
.policylens/registry under the current directory), or a PostgreSQL server with --database-url (also
read from POLICYLENS_DATABASE_URL). Requests run as the database role policylens_app, which may
only read and append audit events (--app-role NAME to choose another, --app-role none to run as
the login user). --create-key prints a new API key for the org once, and exits. --list-keys
prints the keys (id, first 8 characters, org, actor, created, revoked; of --org only when given),
and --revoke-key ID revokes a key by its id (or its first 8 characters, or 8 or more of its id,
when one key in use has them): it gets 401 from then on. Like --create-key they work on the storage directly (PGlite's
data directory only while no serve holds it; PostgreSQL also while serving). (--seed-key KEY
still works but shows the key to every user of the machine in ps; it prints a warning.)
Requests whose Host header is not an IP address, localhost or the --host name are refused (DNS
rebinding); --allow-host NAME[,NAME] allows more names (a reverse proxy's, a container's).
See docs/registry.md for the HTTP API.`;
