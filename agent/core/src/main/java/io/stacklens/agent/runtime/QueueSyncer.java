package io.stacklens.agent.runtime;

import io.stacklens.agent.concurrent.DaemonThreads;
import io.stacklens.agent.data.Acknowledgement;
import io.stacklens.agent.exporterhelper.ExporterRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for a pipeline whose exporters keep their queues on disk: the pipeline worker hands
 * over what it wrote (and the acknowledgements waiting on it, with {@code delivery: durable}) after
 * each drained group and goes on; this thread forces the disk queues ({@code fsync: batch}) and
 * then settles those acknowledgements. While one fsync runs, the worker keeps processing, and the
 * next fsync covers everything written meanwhile, so the fsyncs per second fall as the load rises
 * rather than capping it.
 */
final class QueueSyncer {
  private final ExporterRunner[] exporters;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition idle = lock.newCondition();
  private List<Acknowledgement> pending = new ArrayList<>();
  private boolean requested;
  private boolean syncing;
  private boolean stopped;

  QueueSyncer(String pipeline, ExporterRunner[] exporters) {
    this.exporters = exporters;
    this.thread = DaemonThreads.create(this::run, "pipeline-" + pipeline + "-fsync");
  }

  void start() {
    thread.start();
  }

  /**
   * Asks for a sync of what the worker wrote so far; {@code acks} are settled once it is done (the
   * list is taken over and cleared).
   */
  void submit(List<Acknowledgement> acks) {
    lock.lock();
    try {
      if (stopped) {
        for (int i = 0; i < acks.size(); i++) acks.get(i).fail();
      } else {
        pending.addAll(acks);
        requested = true;
        work.signal();
      }
    } finally {
      lock.unlock();
    }
    acks.clear();
  }

  /**
   * Syncs and settles everything submitted, then stops the thread. Waits at most {@code millis} for
   * a sync in progress; what is left then is failed.
   */
  void stop(long millis) {
    lock.lock();
    try {
      long nanos = millis * 1_000_000;
      while ((requested || syncing) && nanos > 0) {
        try {
          nanos = idle.awaitNanos(nanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      stopped = true;
      for (int i = 0; i < pending.size(); i++) pending.get(i).fail();
      pending.clear();
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      List<Acknowledgement> acks;
      lock.lock();
      try {
        while (!requested && !stopped) work.awaitUninterruptibly();
        if (stopped) return;
        acks = pending;
        pending = new ArrayList<>();
        requested = false;
        syncing = true;
      } finally {
        lock.unlock();
      }
      boolean synced = true;
      for (ExporterRunner e : exporters) synced &= e.sync();
      // A failed fsync: the records may not be on disk, so the clients are told to retry.
      for (int i = 0; i < acks.size(); i++) {
        if (synced) acks.get(i).done();
        else acks.get(i).fail();
      }
      lock.lock();
      try {
        syncing = false;
        if (!requested) idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
