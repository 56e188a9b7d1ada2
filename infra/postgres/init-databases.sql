-- Run once by the postgres image on an empty data volume, as the superuser (docker-compose.yml).
-- One database per service, each owned by the service's own login role: a service can reach its
-- own tables and nothing else, and no service connects as the superuser. The passwords come
-- from the postgres container's environment (psql's \getenv; compose requires every one).
\set ON_ERROR_STOP on
\getenv survey_password SURVEY_DB_PASSWORD
\getenv ingest_password INGEST_DB_PASSWORD
\getenv analysis_password ANALYSIS_DB_PASSWORD
\getenv vault_password VAULT_DB_PASSWORD

CREATE ROLE survey LOGIN PASSWORD :'survey_password';
CREATE ROLE ingest LOGIN PASSWORD :'ingest_password';
CREATE ROLE analysis LOGIN PASSWORD :'analysis_password';
-- The key vault (chassis.privacy.vault) the three services share: keys only, no personal data.
CREATE ROLE vault LOGIN PASSWORD :'vault_password';

CREATE DATABASE survey OWNER survey;
CREATE DATABASE ingest OWNER ingest;
CREATE DATABASE analysis OWNER analysis;
CREATE DATABASE vault OWNER vault;

-- Only the owner (and the superuser) may connect: PUBLIC's default CONNECT and TEMP go.
REVOKE ALL ON DATABASE survey FROM PUBLIC;
REVOKE ALL ON DATABASE ingest FROM PUBLIC;
REVOKE ALL ON DATABASE analysis FROM PUBLIC;
REVOKE ALL ON DATABASE vault FROM PUBLIC;
