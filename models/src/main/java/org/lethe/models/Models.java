package org.lethe.models;

import java.util.List;
import org.lethe.engine.Rng;

/** Builds a model from its {@link ModelSpec}; the list of architectures Lethe has. */
public final class Models {
    /** Architecture names accepted by {@link #create}. */
    public static final List<String> ARCHITECTURES = List.of("mlp", "allcnn", "resnet18", "smallcnn", "lstm", "char",
            "siamese");

    private Models() {
    }

    public static RegressionModel create(ModelSpec s, Rng rng) {
        switch (s.architecture()) {
            case "mlp":
                return new Mlp(s.integer("inputs"), s.integers("hidden"), s.number("dropout"), rng);
            case "allcnn":
                return new AllCnn(s.integer("channels"), s.integer("size"), s.number("width"), rng);
            case "resnet18":
                return new ResNet18(s.integer("channels"), s.integer("size"), s.number("width"), s.flag("small_stem"), rng);
            case "smallcnn":
                return new SmallCnn(s.integer("size"), rng);
            case "lstm":
                return new LstmRegressor(s.integer("steps"), s.integer("features"), s.integer("hidden"),
                        s.integer("layers"), rng);
            case "char":
                return new CharRegressor(s.integer("length"), s.integer("vocabulary"), s.integer("embedding"),
                        s.integer("hidden"), rng);
            case "siamese":
                return new SiameseLstm(s.integer("length"), s.integer("vocabulary"), s.integer("embedding"),
                        s.integer("hidden"), rng);
            default:
                throw new IllegalArgumentException("unknown architecture " + Messages.quote(s.architecture()) + "; known: "
                        + String.join(", ", ARCHITECTURES));
        }
    }
}
