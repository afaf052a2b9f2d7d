package org.cipherformer.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cipherformer.client.CipherformerClient;
import org.cipherformer.client.Classification;
import org.cipherformer.client.ModelSession;
import org.cipherformer.model.data.FashionMnist;
import org.cipherformer.proto.v1.ImageInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Private classification of image files or shipped samples (one ciphertext, up to the model's batch). */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = {"Classify images privately: the client makes keys, encrypts, answers the server's refresh rounds "
        + "and decrypts; the server sees ciphertexts only.",
        "Images: PNG or PGM, grayscale, the model's size (28x28 for vit-fmnist); up to one ciphertext's batch."})
final class ClassifyCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "PNG or PGM image files.")
  List<Path> files = new ArrayList<>();

  @Option(names = "--sample", paramLabel = "N", split = ",",
      description = "Shipped Fashion-MNIST test sample(s) 0..63 (data/fashion-mnist), e.g. --sample 0,1,2.")
  List<Integer> samples = new ArrayList<>();

  @Option(names = {"-m", "--model"}, defaultValue = "vit-fmnist", description = "Model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--top", defaultValue = "3", description = "Classes shown per image (default: ${DEFAULT-VALUE}).")
  int top;

  @Mixin
  ConnectionOptions connection;

  @Mixin
  EeModeOptions mode;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (files.isEmpty() && samples.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give IMAGE files or --sample N");
    }
    // Read every input before connecting: a bad file fails in milliseconds, not after key generation.
    List<ImageFiles.Image> images = new ArrayList<>();
    for (Path f : files) {
      images.add(ImageFiles.read(f));
    }
    List<String> names = new ArrayList<>();
    List<Integer> truth = new ArrayList<>();
    files.forEach(f -> {
      names.add(f.toString());
      truth.add(-1);
    });
    if (!samples.isEmpty()) {
      FashionMnist.Samples shipped = FashionMnist.shippedSamples(RepoRoot.get());
      for (int s : samples) {
        if (s < 0 || s >= shipped.size()) {
          throw new IllegalArgumentException("--sample " + s + " outside 0.." + (shipped.size() - 1));
        }
        images.add(new ImageFiles.Image(Path.of("sample " + s), 28, 28, shipped.image(s)));
        names.add("sample " + s);
        truth.add(shipped.labels()[s]);
      }
    }
    var out = spec.commandLine().getOut();
    if (mode.ee()) {
      return classifyEe(images, names, truth, out);
    }
    try (CipherformerClient client = connection.connect();
         ProgressBars bars = new ProgressBars(output.progress(), System.err)) {
      var description = client.describe(model);
      if (!description.getInput().hasImage()) {
        throw new IllegalArgumentException("model '" + model + "' does not take images");
      }
      ImageInput im = description.getInput().getImage();
      if (images.size() > description.getInput().getBatch()) {
        throw new IllegalArgumentException(images.size() + " images; one run of " + model + " takes at most "
            + description.getInput().getBatch());
      }
      List<double[]> pixels = new ArrayList<>();
      for (ImageFiles.Image i : images) {
        pixels.add(i.sized(im.getWidth(), im.getHeight()));
      }
      Classification c;
      try (ModelSession session = client.openSession(client.generateKeys(description, bars.keygen()),
          bars.upload())) {
        c = session.classify(pixels, bars.inference());
        bars.close();
        print(out, c, names, truth);
        Report.session(out, session);
        Report.inference(out, c.timings());
      }
      return 0;
    }
  }

  /**
   * EE mode: the client permutes each image with its EE key, the server runs the EE-transformed model in plaintext,
   * the client un-permutes the class logits. No batch limit (one request per image).
   */
  private int classifyEe(List<ImageFiles.Image> images, List<String> names, List<Integer> truth,
      java.io.PrintWriter out) throws Exception {
    var key = mode.key();
    try (CipherformerClient client = connection.connect()) {
      var description = client.describe(model);
      if (!description.getInput().hasImage()) {
        throw new IllegalArgumentException("model '" + model + "' does not take images");
      }
      ImageInput im = description.getInput().getImage();
      List<double[]> pixels = new ArrayList<>();
      for (ImageFiles.Image i : images) {
        pixels.add(i.sized(im.getWidth(), im.getHeight()));
      }
      Classification c = client.eeClassify(model, key, pixels);
      print(out, c, names, truth);
      out.printf(Locale.ROOT, "EE mode (key id %s): %d image(s), server compute %.2f ms, end to end %.1f ms%n",
          key.keyId(), c.size(), c.timings().serverComputeNanos() / 1e6, c.timings().totalNanos() / 1e6);
      return 0;
    }
  }

  private void print(java.io.PrintWriter out, Classification c, List<String> names, List<Integer> truth) {
    for (int i = 0; i < c.size(); i++) {
      double[] p = c.probabilities(i);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: %s", names.get(i), c.label(i)));
      line.append(String.format(Locale.ROOT, " (p %.3f", p[c.predicted(i)]));
      int[] order = java.util.stream.IntStream.range(0, p.length).boxed()
          .sorted((a, b) -> Double.compare(p[b], p[a])).mapToInt(Integer::intValue).toArray();
      for (int k = 1; k < Math.min(top, order.length); k++) {
        String label = order[k] < c.labels().size() ? c.labels().get(order[k]) : Integer.toString(order[k]);
        line.append(String.format(Locale.ROOT, "; %s %.3f", label, p[order[k]]));
      }
      line.append(')');
      if (truth.get(i) >= 0) {
        line.append(" true label: ").append(FashionMnist.CLASS_NAMES.get(truth.get(i)));
      }
      out.println(line);
    }
  }
}
