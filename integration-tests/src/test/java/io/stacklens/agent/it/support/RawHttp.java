package io.stacklens.agent.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

/**
 * Plain HTTP/1.1 requests with {@link HttpClient}, for status codes and headers as a client sees
 * them.
 */
public final class RawHttp {
  public static final String PROTOBUF = "application/x-protobuf";
  public static final String JSON = "application/json";

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private RawHttp() {}

  public static HttpResponse<byte[]> post(String url, String contentType, byte[] body)
      throws Exception {
    return post(url, contentType, null, body);
  }

  /** POST with an optional {@code Content-Encoding}. */
  public static HttpResponse<byte[]> post(
      String url, String contentType, String contentEncoding, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    if (contentEncoding != null) b.header("Content-Encoding", contentEncoding);
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public static HttpResponse<String> get(String url) throws Exception {
    return send(url, "GET");
  }

  public static HttpResponse<String> send(String url, String method) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
