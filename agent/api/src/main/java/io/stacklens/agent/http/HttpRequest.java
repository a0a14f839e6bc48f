package io.stacklens.agent.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;

/**
 * One complete HTTP request as a handler sees it. The body is a private copy the handler may keep.
 *
 * @param method upper-case method name ({@code GET}, {@code POST})
 * @param path the decoded path without query string ({@code /v1/logs})
 * @param query the raw query string without {@code ?}, or empty
 * @param headers request headers; lookups are case-insensitive
 * @param body the body bytes (empty array when none)
 * @param remote the client's address
 */
public record HttpRequest(
    String method,
    String path,
    String query,
    HttpHeaders headers,
    byte[] body,
    SocketAddress remote) {

  /** The first value of header {@code name}, or null. */
  public String header(String name) {
    return headers.get(name);
  }
}
