package org.lethe.benchmarks;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.Trainer;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Java peer of {@link TrainingStepBenchmark}: the same three training steps (the workloads of
 * {@code StepWorkload}: mlp, cnn, lstm; mean squared error, Adam 1e-3, random data) in DJL 0.36 with
 * its PyTorch 2.7.1 engine (libtorch, CPU), run offline from the native jar on the classpath. The
 * setup (seeded) checks that ten steps lower the loss. {@link #baseline} is the forward pass alone.
 */
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC", "--add-modules", "jdk.incubator.vector"},
        jvmArgsAppend = {"-Dai.djl.offline=true"})
public class DjlStepBenchmark extends BaseBenchmark {
    @Param({"mlp", "cnn", "lstm"})
    public String workload;

    @Param({"2"})
    public int threads;

    private Model model;
    private Trainer trainer;
    private NDArray x;
    private NDArray y;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(1);
        model = Model.newInstance(workload, "PyTorch");
        Shape input;
        switch (workload) {
            case "mlp" -> {
                model.setBlock(new SequentialBlock()
                        .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(1).build()));
                input = new Shape(256, 64);
            }
            case "cnn" -> {
                model.setBlock(new SequentialBlock()
                        .add(conv(16)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(conv(32)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(64).build()).add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(1).build()));
                input = new Shape(128, 1, 28, 28);
            }
            case "lstm" -> {
                model.setBlock(new SequentialBlock()
                        .add(LSTM.builder().setStateSize(64).setNumLayers(1).optBatchFirst(true).optReturnState(false).build())
                        .add(list -> new NDList(list.singletonOrThrow().get(":, -1, :")))
                        .add(Linear.builder().setUnits(1).build()));
                input = new Shape(128, 24, 1);
            }
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        }
        // PyTorch's default weight initialisation, as in Lethe: uniform in +-1/sqrt(fan-in)
        model.getBlock().setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.IN, 1f), Parameter.Type.WEIGHT);
        trainer = model.newTrainer(new DefaultTrainingConfig(new L2Loss("mse", 1f))
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build()));
        trainer.initialize(input);
        NDManager m = trainer.getManager();
        x = m.randomNormal(input);
        y = m.randomNormal(new Shape(input.get(0), 1));
        float first = step();
        float last = first;
        for (int i = 0; i < 10; i++) {
            last = step();
        }
        if (!(last < first)) {
            throw new IllegalStateException(workload + ": ten Adam steps did not lower the loss (" + first + " -> " + last + ")");
        }
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        trainer.close();
        model.close();
    }

    /**
     * As DJL's EasyTrain does with a batch: the inputs are attached to a sub-manager for the step, so
     * every array the step creates is closed with it.
     */
    @Benchmark
    public float step() {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            scope.tempAttachAll(x, y);
            float value;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(pred));
                gc.backward(loss);
                value = loss.getFloat();
            }
            trainer.step();
            return value;
        }
    }

    @Benchmark
    public float baseline() {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            scope.tempAttachAll(x);
            return trainer.evaluate(new NDList(x)).singletonOrThrow().getFloat(0, 0);
        }
    }
}
