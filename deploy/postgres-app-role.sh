#!/usr/bin/env bash
# compose.yaml's postgres runs this once, when it initializes an empty data volume: the role verification-service
# connects as. The owner role (POSTGRES_USER) owns the schema and runs the migrations (spring.flyway.user); the
# application's role may only read and change rows, in the tables the owner has made and will make, and can drop,
# alter or create nothing. Its password comes from the secret file, never a command line.
set -euo pipefail

password_file=/run/secrets/postgres-app-password
[[ "$(cat "$password_file" 2>/dev/null)" =~ ^[A-Za-z0-9_-]{16,}$ ]] || {
    echo "postgres-app-role: put postgres-app-password in the secrets folder: at least 16 letters, digits, '-' or '_'" >&2
    exit 1
}

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner="$POSTGRES_USER" -v database="$POSTGRES_DB" <<'SQL'
\set password `cat /run/secrets/postgres-app-password`
CREATE ROLE lms_app LOGIN PASSWORD :'password';
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO lms_app;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO lms_app;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO lms_app;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO lms_app;
SQL
