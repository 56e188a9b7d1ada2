-- One database per service (each service owns its own; none reads another's tables).
CREATE DATABASE survey;
CREATE DATABASE ingest;
CREATE DATABASE analysis;
-- The key vault (chassis.privacy.vault) the three services share: keys only, no personal data.
CREATE DATABASE vault;
