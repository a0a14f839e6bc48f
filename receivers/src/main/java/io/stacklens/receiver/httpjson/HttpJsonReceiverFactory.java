package io.stacklens.receiver.httpjson;

import io.stacklens.agent.api.DeclaredReceiverFactory;
import io.stacklens.agent.api.Stability;
import io.stacklens.agent.data.Signal;
import java.util.EnumSet;

/** Factory of the {@code http_json} receiver: JSON / NDJSON log records POSTed over HTTP. */
public final class HttpJsonReceiverFactory extends DeclaredReceiverFactory<HttpJsonReceiverConfig> {
  public static final String TYPE = "http_json";

  public HttpJsonReceiverFactory() {
    super(
        TYPE,
        Stability.ALPHA,
        EnumSet.of(Signal.LOGS),
        "JSON objects, arrays or NDJSON POSTed over HTTP (8480), mapped to log records",
        HttpJsonReceiverConfig::new,
        (context, config, consumers) ->
            new HttpJsonReceiver(context, config, consumers.get(Signal.LOGS)));
  }
}
