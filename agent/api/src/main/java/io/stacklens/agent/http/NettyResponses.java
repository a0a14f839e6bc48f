package io.stacklens.agent.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** Turns an {@link HttpResponse} into Netty's form, with framing headers. */
final class NettyResponses {
  private NettyResponses() {}

  static FullHttpResponse toNetty(HttpResponse response, HttpVersion version, boolean keepAlive) {
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            version,
            HttpResponseStatus.valueOf(response.status()),
            Unpooled.wrappedBuffer(response.body()));
    for (Map.Entry<String, String> h : response.headers().entrySet())
      out.headers().set(h.getKey(), h.getValue());
    out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
    if (!keepAlive) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!version.isKeepAliveDefault()) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return out;
  }
}
