package io.highwater.cluster;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/** An event-bus codec for an immutable value that is only ever sent within a node: delivered as is. */
public final class LocalOnlyCodec<T> implements MessageCodec<T, T> {

  private final String name;

  public LocalOnlyCodec(String name) {
    this.name = name;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " is sent within a node only");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is sent within a node only");
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
