package io.holdfast;

import java.io.IOException;

/**
 * Completion of one request (a write, a shutdown). Called exactly once, on the loop thread: with
 * null on success, with the error otherwise, or with {@link OperationCanceledException} when the
 * handle was closed first.
 */
@FunctionalInterface
public interface Callback {
  /**
   * Called when the request completed.
   *
   * @param error null on success, else why it failed or was canceled
   */
  void onComplete(IOException error);
}
