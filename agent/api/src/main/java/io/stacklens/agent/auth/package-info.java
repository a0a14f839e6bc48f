/**
 * Authentication of requests to the agent's servers: {@link io.stacklens.agent.auth.AuthSettings}
 * ({@code auth:} in the config) and the {@link io.stacklens.agent.auth.Authenticator} that checks
 * each request's {@code Authorization} header.
 */
package io.stacklens.agent.auth;
