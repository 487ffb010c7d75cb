package io.highwater.http;

/** Whether this node has recovered every partition it owns; shared by the HTTP verticle instances. */
public final class Readiness {

  private volatile boolean recovered;

  public void markRecovered() {
    recovered = true;
  }

  public boolean recovered() {
    return recovered;
  }
}
