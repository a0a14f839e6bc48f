package io.stacklens.agent.http;

import java.util.concurrent.CompletionStage;

/**
 * Answers requests for an {@link HttpServer}. Called on a network thread: do not block there; return a
 * stage that completes later for slow work. A stage that completes exceptionally (or a thrown
 * exception) becomes a 500 response.
 */
@FunctionalInterface
public interface HttpHandler {
  CompletionStage<HttpResponse> handle(HttpRequest request);

  /**
   * The answer when a request body exceeds the server's maximum body size; the status should stay 413.
   * The body was not read, so only the head is available.
   */
  default HttpResponse bodyTooLarge(String method, String path, io.netty.handler.codec.http.HttpHeaders headers, int maxBodyBytes) {
    return HttpResponse.text(413, "request body is larger than the limit of " + maxBodyBytes + " bytes");
  }
}
