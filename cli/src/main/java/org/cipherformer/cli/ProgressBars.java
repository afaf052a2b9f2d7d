package org.cipherformer.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.cipherformer.client.InferenceListener;
import org.cipherformer.client.KeyGenerationListener;
import org.cipherformer.client.UploadListener;
import org.cipherformer.proto.v1.InferenceProgress;

/**
 * Progress bars on stderr for the three slow steps: key generation, key upload, inference. When disabled (--quiet, or
 * stderr not a terminal) the listeners do nothing, so piped output stays clean. One bar at a time; each step's bar
 * closes when the step reports its end, or at {@link #close()}.
 */
final class ProgressBars implements AutoCloseable {
  private final boolean enabled;
  private final PrintStream err;
  private ProgressBar bar;

  ProgressBars(boolean enabled, PrintStream err) {
    this.enabled = enabled;
    this.err = err;
  }

  private synchronized ProgressBar open(String task, long max, String unit, long unitSize) {
    finish();
    ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
        .setConsumer(new ConsoleProgressBarConsumer(err));
    if (unit != null) {
      b.setUnit(unit, unitSize).showSpeed();
    }
    bar = b.build();
    return bar;
  }

  private synchronized void finish() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /** Keys made, of 1 + the plan's Galois steps. */
  KeyGenerationListener keygen() {
    if (!enabled) {
      return KeyGenerationListener.NONE;
    }
    return (phase, done, total) -> {
      synchronized (this) {
        if (bar == null) {
          open("keygen", total, null, 1);
        }
        bar.stepTo(done);
        bar.setExtraMessage(" " + phase);
        if (done >= total) {
          finish();
        }
      }
    };
  }

  /** Key bytes sent, in MB. */
  UploadListener upload() {
    if (!enabled) {
      return UploadListener.NONE;
    }
    return (sent, total) -> {
      synchronized (this) {
        if (bar == null) {
          open("upload", total, "MB", 1 << 20);
        }
        bar.stepTo(sent);
        if (sent >= total) {
          finish();
        }
      }
    };
  }

  /** Plan sections finished; the extra message names the section and the refresh rounds answered. */
  InferenceListener inference() {
    if (!enabled) {
      return InferenceListener.NONE;
    }
    return new InferenceListener() {
      private int rounds;

      @Override
      public void onProgress(InferenceProgress p) {
        synchronized (ProgressBars.this) {
          if (bar == null) {
            open("inference", Math.max(1, p.getTotalSections()), null, 1);
          }
          bar.maxHint(Math.max(1, p.getTotalSections()));
          bar.stepTo(p.getCompletedSections());
          bar.setExtraMessage(" " + p.getSection() + ", refresh " + rounds);
        }
      }

      @Override
      public void onRefresh(int round, int ciphertexts, int totalRounds) {
        synchronized (ProgressBars.this) {
          rounds = round + 1;
          if (bar != null) {
            bar.setExtraMessage(" refresh " + rounds + "/" + totalRounds);
          }
        }
      }
    };
  }

  @Override
  public void close() {
    finish();
  }
}
