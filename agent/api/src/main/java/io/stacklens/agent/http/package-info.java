/**
 * The shared Netty HTTP/1.1 server of the HTTP receivers: connection limits and timeouts against
 * slow and idle clients, header and body size limits, bodies reserved against the memory budget
 * before they are read, and a dispatcher that runs handlers off the event loop and answers in order
 * (docs/architecture.md, "Server protections").
 */
package io.stacklens.agent.http;
