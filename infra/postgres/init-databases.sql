-- One database per service (each service owns its own; none reads another's tables).
CREATE DATABASE survey;
CREATE DATABASE ingest;
CREATE DATABASE analysis;
