/**
 * JDBC plumbing shared by the components that talk to a database (the {@code postgres} exporter,
 * the {@code enrich} processor's PostgreSQL lookup table): one bounded connection pool ({@link
 * io.stacklens.agent.sql.ConnectionPool}: opened on demand, session settings applied once per
 * connection, a broken connection discarded and replaced, a limited wait for a free one, a pause
 * after a failed connect), one classification of failures by SQLState ({@link
 * io.stacklens.agent.sql.SqlErrors}: connection lost or data refused, and the short reasons used in
 * metrics). JDBC URLs in messages go through {@link io.stacklens.agent.api.Secrets#redact}.
 *
 * <p>Only {@code java.sql} is used here: the agent module does not depend on a JDBC driver. A
 * component passes its driver ({@code new org.postgresql.Driver()}) and the driver's connection
 * properties to the pool, and keeps whatever needs the driver's own API (pgjdbc's COPY, its server
 * error fields). The SQLStates classified are PostgreSQL's (class 08, 22, 23, 40, 53, 57).
 */
package io.stacklens.agent.sql;
