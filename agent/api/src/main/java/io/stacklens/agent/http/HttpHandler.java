package io.stacklens.agent.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.CompletionStage;

/**
 * Answers requests for an {@link HttpServer}. Called on a network thread: do not block there;
 * return a stage that completes later for slow work. A stage that completes exceptionally (or a
 * thrown exception) becomes a 500 response.
 *
 * <p>The request body is counted against the server's memory budget from the moment its headers
 * arrive until the returned stage completes; a handler that keeps more than the body (a decoded
 * copy) reserves that itself.
 */
@FunctionalInterface
public interface HttpHandler {
  CompletionStage<HttpResponse> handle(HttpRequest request);

  /**
   * The answer when a request body exceeds the server's maximum body size; the status should stay
   * 413. The body was not read, so only the head is available.
   */
  default HttpResponse bodyTooLarge(
      String method, String path, HttpHeaders headers, int maxBodyBytes) {
    return HttpResponse.text(
        413, "request body is larger than the limit of " + maxBodyBytes + " bytes");
  }

  /**
   * The answer when the agent's memory budget cannot hold the request body. The status should stay
   * 429 and carry {@code Retry-After} (the server adds {@code Retry-After: 1} when it is missing);
   * the body is not read and the connection is closed after the answer.
   */
  default HttpResponse overloaded(String method, String path, HttpHeaders headers) {
    return HttpResponse.text(
            429, "the agent's memory for requests in progress is used up; retry later")
        .withHeader("Retry-After", "1");
  }

  /**
   * The answer to a request without the credential the server's {@code auth} asks for; {@code why}
   * says what was wrong (never the credential). The status should stay 401; the server adds {@code
   * WWW-Authenticate}, does not read the body and closes the connection after the answer.
   */
  default HttpResponse unauthenticated(
      String method, String path, HttpHeaders headers, String why) {
    return HttpResponse.text(401, why);
  }
}
