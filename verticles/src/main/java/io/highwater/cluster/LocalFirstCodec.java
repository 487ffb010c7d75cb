package io.highwater.cluster;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * An event-bus codec for an immutable value: delivered as is within a node (no copy, no encoding),
 * and as JSON between nodes.
 */
public final class LocalFirstCodec<T> implements MessageCodec<T, T> {

  private final String name;
  private final Function<T, JsonObject> encode;
  private final Function<JsonObject, T> decode;

  public LocalFirstCodec(String name, Function<T, JsonObject> encode, Function<JsonObject, T> decode) {
    this.name = name;
    this.encode = encode;
    this.decode = decode;
  }

  /** For a value that never leaves its node: delivered as is, and refused if it were ever sent to another. */
  public static <T> LocalFirstCodec<T> localOnly(String name) {
    return new LocalFirstCodec<>(name,
        value -> {
          throw new UnsupportedOperationException(name + " is sent within a node only");
        },
        json -> {
          throw new UnsupportedOperationException(name + " is sent within a node only");
        });
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = encode.apply(value).toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return decode.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
