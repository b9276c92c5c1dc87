package org.lethe.models;

import java.util.List;
import org.lethe.engine.Rng;

/**
 * Builds a model from its {@link ModelSpec}; the list of architectures Lethe has. {@link #create} also
 * builds an {@link Ensemble} (architecture {@value Ensemble#ARCHITECTURE}), which is not in
 * {@link #ARCHITECTURES}: SISA makes it, a user does not train one (see {@link Ensemble}).
 */
public final class Models {
    /** The architectures a user can train, by name; {@link #create} accepts these and an ensemble. */
    public static final List<String> ARCHITECTURES = List.of("mlp", "allcnn", "resnet18", "smallcnn", "lstm", "char",
            "siamese");

    /** The architecture of the models that make up {@code s}: an ensemble's members', else {@code s} itself. */
    public static ModelSpec base(ModelSpec s) {
        return s.architecture().equals(Ensemble.ARCHITECTURE) ? s.spec("member") : s;
    }

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
            case Ensemble.ARCHITECTURE:
                return new Ensemble(s.spec("member"), s.integer("members"), s.text("aggregation"), rng);
            default:
                throw new IllegalArgumentException("unknown architecture " + Messages.quote(s.architecture()) + "; known: "
                        + String.join(", ", ARCHITECTURES));
        }
    }
}
