package io.highwater.http;

/** This node's cache no longer backs the partition's watermarks: another node owns it now. */
final class NotOwnerException extends RuntimeException {

  NotOwnerException() {
    super("the partition has moved to another node", null, false, false);
  }
}
