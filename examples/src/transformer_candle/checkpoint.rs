//! What a model hub would hand the demo, made here instead: a `config.json` naming
//! `hidden_act` and a `model.safetensors` of seeded weights with the checkpoint's tensor names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{Device, Result, Tensor};

use crate::uniform::uniform;

/// A `config.json` and the safetensors file beside it, for one block.
pub struct Checkpoint {
    /// The folder holding `config.json` and `model.safetensors`.
    pub dir: PathBuf,
    /// Where the block's tensors sit in the file (`model.layers.0.mlp`).
    pub prefix: &'static str,
}

impl Checkpoint {
    /// `config.json`'s text.
    pub fn config_json(&self) -> Result<String> {
        Ok(std::fs::read_to_string(self.dir.join("config.json"))?)
    }

    /// `model.safetensors`.
    pub fn weights(&self) -> PathBuf {
        self.dir.join("model.safetensors")
    }
}

/// `hidden_act` as JSON: a name (`silu`) is quoted, an object (`{"elu": 1.0}`) kept.
fn json_value(hidden_act: &str) -> String {
    if hidden_act.trim_start().starts_with('{') {
        hidden_act.to_string()
    } else {
        format!("\"{hidden_act}\"")
    }
}

/// Writes `config` and the tensors, drawn in the order given from one seeded stream.
fn write(dir: &Path, config: &str, tensors: &[(String, Vec<usize>, Init)]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("config.json"), config)?;
    let mut seed = 2026_u64;
    let mut map = HashMap::new();
    for (name, shape, init) in tensors {
        let n = shape.iter().product();
        let values = match init {
            Init::Uniform { fan_in } => uniform(n, 1.0 / (*fan_in as f64).sqrt(), &mut seed),
            Init::Const(c) => vec![*c; n],
        };
        map.insert(
            name.clone(),
            Tensor::from_vec(values, shape.as_slice(), &Device::Cpu)?,
        );
    }
    candle_core::safetensors::save(&map, dir.join("model.safetensors"))
}

/// How a tensor starts, as in PyTorch.
enum Init {
    /// `nn.Linear`'s default, weight and bias: `U(-1/sqrt(fan_in), 1/sqrt(fan_in))`.
    Uniform { fan_in: usize },
    /// `nn.LayerNorm`'s ones and zeros.
    Const(f32),
}

/// Mistral-7B-v0.1's `config.json` at hidden size 1024 (its 3.5 ratio: intermediate 3584), one
/// layer; the layer's MLP weights.
pub fn mistral(dir: &Path, hidden_act: &str) -> Result<Checkpoint> {
    let (hidden, inter) = (1024, 3584);
    let config = format!(
        r#"{{
  "architectures": ["MistralForCausalLM"],
  "bos_token_id": 1,
  "eos_token_id": 2,
  "hidden_act": {act},
  "hidden_size": {hidden},
  "initializer_range": 0.02,
  "intermediate_size": {inter},
  "max_position_embeddings": 32768,
  "model_type": "mistral",
  "num_attention_heads": 8,
  "num_hidden_layers": 1,
  "num_key_value_heads": 2,
  "rms_norm_eps": 1e-05,
  "rope_theta": 10000.0,
  "sliding_window": 4096,
  "tie_word_embeddings": false,
  "torch_dtype": "float32",
  "vocab_size": 32000
}}
"#,
        act = json_value(hidden_act)
    );
    let prefix = "model.layers.0.mlp";
    let linear = |name: &str, fan_in, fan_out| {
        (
            format!("{prefix}.{name}.weight"),
            vec![fan_out, fan_in],
            Init::Uniform { fan_in },
        )
    };
    write(
        dir,
        &config,
        &[
            linear("gate_proj", hidden, inter),
            linear("up_proj", hidden, inter),
            linear("down_proj", inter, hidden),
        ],
    )?;
    Ok(Checkpoint {
        dir: dir.to_path_buf(),
        prefix,
    })
}

/// xlm-roberta-large's `config.json` (hidden 1024, intermediate 4096), one layer; the layer's
/// feed-forward weights (biases and LayerNorm included).
pub fn xlm_roberta(dir: &Path, hidden_act: &str) -> Result<Checkpoint> {
    let (hidden, inter) = (1024, 4096);
    let config = format!(
        r#"{{
  "architectures": ["XLMRobertaForMaskedLM"],
  "attention_probs_dropout_prob": 0.1,
  "bos_token_id": 0,
  "eos_token_id": 2,
  "hidden_act": {act},
  "hidden_dropout_prob": 0.1,
  "hidden_size": {hidden},
  "initializer_range": 0.02,
  "intermediate_size": {inter},
  "layer_norm_eps": 1e-05,
  "max_position_embeddings": 514,
  "model_type": "xlm-roberta",
  "num_attention_heads": 16,
  "num_hidden_layers": 1,
  "output_past": true,
  "pad_token_id": 1,
  "position_embedding_type": "absolute",
  "type_vocab_size": 1,
  "vocab_size": 250002
}}
"#,
        act = json_value(hidden_act)
    );
    let prefix = "roberta.encoder.layer.0";
    let tensor = |name: &str, shape: Vec<usize>, init| (format!("{prefix}.{name}"), shape, init);
    let fan_in = |fan_in| Init::Uniform { fan_in };
    write(
        dir,
        &config,
        &[
            tensor(
                "intermediate.dense.weight",
                vec![inter, hidden],
                fan_in(hidden),
            ),
            tensor("intermediate.dense.bias", vec![inter], fan_in(hidden)),
            tensor("output.dense.weight", vec![hidden, inter], fan_in(inter)),
            tensor("output.dense.bias", vec![hidden], fan_in(inter)),
            tensor("output.LayerNorm.weight", vec![hidden], Init::Const(1.0)),
            tensor("output.LayerNorm.bias", vec![hidden], Init::Const(0.0)),
        ],
    )?;
    Ok(Checkpoint {
        dir: dir.to_path_buf(),
        prefix,
    })
}
