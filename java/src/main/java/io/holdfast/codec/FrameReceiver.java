package io.holdfast.codec;

import io.holdfast.EventLoop;
import io.holdfast.HandleClosedException;
import io.holdfast.ReadHandler;
import io.holdfast.Stream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * The receiving half of a {@link FramedStream}: decodes what the stream reads, delivers or queues
 * messages, stops and resumes reading around the water marks, and decides when the handlers run.
 *
 * <p>Threads: the stream's read callbacks, the decoder and all handler calls run on the loop
 * thread. {@link #poll()}, {@link #pause()}, {@link #resume()} and {@link #discard()} may run on
 * any thread; the queue and every decision about reading and notifying are taken under one lock,
 * which is never held while calling the stream or user code. Stream calls that follow a decision
 * made off the loop are queued to the loop, so they keep the order of the decisions.
 */
final class FrameReceiver<T> implements ReadHandler {
  static final int NONE = 0;
  static final int FLOWING = 1;
  static final int PAUSED = 2;

  private static final class Entry {
    final Object message;
    final int length;

    Entry(Object message, int length) {
      this.message = message;
      this.length = length;
    }
  }

  private final FramedStream<T> owner;
  private final Stream stream;
  private final EventLoop loop;
  private final MessageCodec<T> codec;
  private final boolean raw;
  private final FramedStream.Options options;
  /* Loop thread only. */
  private final FrameDecoder decoder;
  private final FrameDecoder.FrameSink sink = this::onFrame;
  private boolean stopNeeded;
  private boolean readableNeeded;
  /* Guarded by lock. */
  private final Object lock = new Object();
  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean backpressured; // reading stopped because the queue is full
  private boolean resumeScheduled;
  private boolean armed = true; // the next arrival schedules onReadable
  private boolean readableScheduled;
  private boolean drainScheduled;
  private long polls;
  private boolean ended;
  private IOException failure;
  private boolean terminalScheduled;
  private boolean terminalDelivered;
  /* Any thread. */
  private volatile int queuedCount;
  private volatile long decoderBytes;
  private volatile long peakBuffered;
  private volatile int mode = NONE;
  private volatile MessageHandler<T> messageHandler;
  private volatile ReadableHandler<T> readableHandler;
  private volatile boolean userPaused;
  private volatile boolean stopped; // closed by the owner or destroyed by a failure: read no more
  private volatile boolean discarded; // closed by the owner: drop the queue, deliver nothing

  FrameReceiver(FramedStream<T> owner, Stream stream, MessageCodec<T> codec,
      FramedStream.Options options) {
    this.owner = owner;
    this.stream = stream;
    this.loop = stream.loop();
    this.codec = codec;
    this.raw = codec == FrameCodec.INSTANCE;
    this.options = options;
    this.decoder = new FrameDecoder(options.maxFrameLength);
  }

  // ---- starting, polling, pausing (any thread) ----

  void start(int newMode, MessageHandler<T> mh, ReadableHandler<T> rh)
      throws HandleClosedException {
    synchronized (lock) {
      if (mode != NONE) throw new IllegalStateException("already started");
      messageHandler = mh;
      readableHandler = rh;
      mode = newMode;
    }
    stream.readStart(this);
  }

  int mode() {
    return mode;
  }

  @SuppressWarnings("unchecked")
  T poll() {
    Entry e;
    boolean resume = false;
    boolean terminal;
    synchronized (lock) {
      e = queue.poll();
      if (e == null) {
        armed = true;
      } else {
        dequeued(e);
        resume = resumeDue();
      }
      terminal = terminalDue();
    }
    if (resume) execute(this::resumeReading); // never synchronously: poll may run in a callback
    if (terminal) execute(this::deliverTerminal);
    return e == null ? null : (T) e.message;
  }

  void pause() {
    if (mode != FLOWING) throw new IllegalStateException("not in flowing mode");
    userPaused = true;
  }

  void resume() {
    if (mode != FLOWING) throw new IllegalStateException("not in flowing mode");
    userPaused = false;
    scheduleDrain();
  }

  boolean isPaused() {
    return userPaused;
  }

  /** The owner closed: deliver nothing more, drop what is queued. */
  void discard() {
    discarded = true;
    stopped = true;
    synchronized (lock) {
      queue.clear();
      queuedBytes = 0;
      queuedCount = 0;
    }
  }

  int queuedMessages() {
    return queuedCount;
  }

  long bufferedBytes() {
    if (discarded) return 0; // a half-read frame is released on the loop once the stream closes
    long q;
    synchronized (lock) {
      q = queuedBytes;
    }
    return q + decoderBytes;
  }

  long peakBufferedBytes() {
    return peakBuffered;
  }

  // ---- the stream's read callbacks (loop thread) ----

  @Override
  public void onData(Stream s, ByteBuffer data) {
    if (stopped) return;
    try {
      decoder.decode(data, sink);
    } catch (FrameTooLargeException e) {
      fail(e, true);
    }
    decoderBytes = decoder.bufferedBytes();
    long held = bufferedBytes();
    if (held > peakBuffered) peakBuffered = held; // bytes only grow inside onData: this is a peak
    if (stopNeeded) {
      stopNeeded = false;
      try {
        stream.readStop(); // the rest of this read was decoded already; the next one waits
      } catch (HandleClosedException e) {
        // closed meanwhile: nothing more will be read anyway
      }
    }
    if (readableNeeded) {
      readableNeeded = false;
      scheduleReadable();
    }
    if (mode == FLOWING && !userPaused && queuedCount > 0) scheduleDrain();
  }

  @Override
  public void onEnd(Stream s) {
    if (stopped) return;
    if (decoder.hasPartialFrame()) {
      fail(new EOFException("stream ended inside a frame, after " + decoder.partialFrameBytes()
          + " of its bytes"), true);
      return;
    }
    boolean terminal;
    synchronized (lock) {
      if (failure == null) ended = true;
      terminal = terminalDue();
    }
    if (terminal) execute(this::deliverTerminal);
  }

  @Override
  public void onError(Stream s, IOException error) {
    fail(error, false); // the stream closes itself right after this
  }

  /** The stream is fully closed (loop thread): release a half-assembled frame. */
  void onStreamClosed() {
    decoder.reset();
    decoderBytes = 0;
  }

  /** The decoder's sink (loop thread): deliver at once if nothing waits, else queue. */
  @SuppressWarnings("unchecked")
  private boolean onFrame(ByteBuffer frame, boolean owned) {
    if (stopped) return false;
    int length = frame.remaining();
    boolean direct = mode == FLOWING && !userPaused && queuedCount == 0;
    Object message;
    if (raw) {
      // A view of the read memory is only valid now: keep a copy, hand over the original.
      message = direct || owned ? frame : ByteBuffer.allocate(length).put(frame).flip();
    } else {
      try {
        message = codec.decode(frame);
        if (message == null) throw new NullPointerException("codec.decode returned null");
      } catch (Exception | StackOverflowError e) {
        fail(new MessageDecodeException(length, e), true);
        return false;
      }
    }
    if (direct) {
      deliver((T) message);
    } else {
      enqueue(new Entry(message, length));
    }
    return !stopped;
  }

  private void enqueue(Entry e) {
    synchronized (lock) {
      queue.add(e);
      queuedBytes += e.length;
      queuedCount++;
      if (mode == PAUSED && armed) {
        armed = false;
        readableNeeded = true;
      }
      if (!backpressured && (queuedCount >= options.highMessages
          || queuedBytes >= options.highBytes)) {
        backpressured = true;
        stopNeeded = true;
      }
    }
  }

  /** Accounting for a message leaving the queue (holding lock). */
  private void dequeued(Entry e) {
    queuedBytes -= e.length;
    queuedCount--;
    polls++;
  }

  /** Whether a resume must be scheduled now (holding lock). */
  private boolean resumeDue() {
    if (!backpressured || resumeScheduled) return false;
    if (queuedCount > options.lowMessages || queuedBytes > options.lowBytes) return false;
    resumeScheduled = true;
    return true;
  }

  private void resumeReading() {
    boolean start;
    synchronized (lock) {
      resumeScheduled = false;
      start = backpressured && !stopped && queuedCount <= options.lowMessages
          && queuedBytes <= options.lowBytes;
      if (start) backpressured = false;
    }
    if (start) stream.tryReadStart(this);
  }

  private void deliver(T message) {
    try {
      messageHandler.onMessage(owner, message);
    } catch (Throwable t) {
      report(t);
    }
  }

  // ---- flowing delivery and readable notifications (loop thread) ----

  private void scheduleDrain() {
    synchronized (lock) {
      if (drainScheduled) return;
      drainScheduled = true;
    }
    execute(this::drain);
  }

  /** Flowing mode: delivers queued messages in order while not paused. */
  @SuppressWarnings("unchecked")
  private void drain() {
    synchronized (lock) {
      drainScheduled = false;
    }
    while (!userPaused && !discarded) {
      Entry e;
      boolean resume;
      synchronized (lock) {
        e = queue.poll();
        if (e == null) break;
        dequeued(e);
        resume = resumeDue();
      }
      if (resume) resumeReading();
      deliver((T) e.message);
    }
    boolean terminal;
    synchronized (lock) {
      terminal = terminalDue();
    }
    if (terminal) deliverTerminal();
  }

  private void scheduleReadable() {
    synchronized (lock) {
      if (readableScheduled) return;
      readableScheduled = true;
    }
    execute(this::fireReadable);
  }

  /** Paused mode; the rule is documented on {@link FramedStream#startPaused}. */
  private void fireReadable() {
    long before;
    synchronized (lock) {
      readableScheduled = false;
      if (discarded || mode != PAUSED) return;
      if (queue.isEmpty()) {
        armed = true;
        return;
      }
      armed = false;
      before = polls;
    }
    try {
      readableHandler.onReadable(owner);
    } catch (Throwable t) {
      report(t);
    }
    boolean again = false;
    synchronized (lock) {
      if (!queue.isEmpty() && !discarded && polls != before) {
        again = true; // it made progress and left some: call it again, never leave it stranded
      } else {
        armed = true;
      }
    }
    if (again) scheduleReadable();
  }

  // ---- end and failures (loop thread) ----

  /** Records a failure; destroys the connection if asked. */
  private void fail(IOException error, boolean destroy) {
    boolean terminal;
    synchronized (lock) {
      if (failure == null && !ended) failure = error;
      terminal = terminalDue();
    }
    stopped = true;
    owner.markClosed("after " + error.getClass().getSimpleName() + ": " + error.getMessage());
    if (destroy) stream.close();
    decoder.reset();
    decoderBytes = 0;
    if (terminal) execute(this::deliverTerminal);
  }

  /** Whether the end or failure can be delivered now and was not yet scheduled (holding lock). */
  private boolean terminalDue() {
    if ((!ended && failure == null) || terminalScheduled || terminalDelivered) return false;
    if (!queue.isEmpty() || discarded || mode == NONE) return false;
    terminalScheduled = true;
    return true;
  }

  private void deliverTerminal() {
    IOException error;
    synchronized (lock) {
      terminalScheduled = false;
      if (terminalDelivered || discarded || !queue.isEmpty()) return;
      terminalDelivered = true;
      error = failure;
    }
    try {
      if (mode == FLOWING) {
        if (error == null) messageHandler.onEnd(owner);
        else messageHandler.onError(owner, error);
      } else {
        if (error == null) readableHandler.onEnd(owner);
        else readableHandler.onError(owner, error);
      }
    } catch (Throwable t) {
      report(t);
    }
  }

  /** Runs r on the loop later; dropped if the loop closed (its handles are closed too). */
  private void execute(Runnable r) {
    try {
      loop.execute(r);
    } catch (RejectedExecutionException e) {
      // nothing is left to deliver to
    }
  }

  /** Hands a callback's exception to the loop's exception handler, as the loop does its own. */
  private void report(Throwable t) {
    execute(() -> {
      if (t instanceof RuntimeException) throw (RuntimeException) t;
      if (t instanceof Error) throw (Error) t;
      throw new UndeclaredThrowableException(t);
    });
  }
}
