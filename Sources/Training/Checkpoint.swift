import Foundation
import ModelFiles
import Tensor

/// A training checkpoint: `checkpoint-<step>/` under a checkpoint directory, holding every parameter
/// (`parameters.safetensors`, by ``Parameter/name``), AdamW's moments (`optimizer.safetensors`) and
/// `state.json` (the step). Each is written whole beside its place and renamed in, so a killed run
/// leaves the previous checkpoints intact; the newest two are kept.
public enum Checkpoint {
    static let prefix = "checkpoint-"

    /// Writes the checkpoint of `step`.
    @discardableResult
    public static func save(step: Int, parameters: [Parameter], optimizer: AdamW, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(prefix + String(step))
        try DirectoryWriting.write(to: url, replace: true) { tmp in
            func tensor(_ name: String, _ p: Parameter, _ m: Matrix) -> SafetensorsEncoding.Tensor {
                .init(name: name, shape: p.shape, values: UnsafeBufferPointer(start: UnsafePointer(m.storage), count: p.count))
            }
            try DirectoryWriting.writeFile(SafetensorsEncoding.encode(parameters.map { tensor($0.name, $0, $0.value) }),
                                           to: tmp.appendingPathComponent("parameters.safetensors"))
            var moments: [SafetensorsEncoding.Tensor] = []
            for (i, p) in parameters.enumerated() {
                moments.append(tensor("m." + p.name, p, optimizer.firstMoments[i]))
                moments.append(tensor("v." + p.name, p, optimizer.secondMoments[i]))
            }
            try DirectoryWriting.writeFile(SafetensorsEncoding.encode(moments), to: tmp.appendingPathComponent("optimizer.safetensors"))
            let state = "{\"step\": \(step), \"optimizer_steps\": \(optimizer.stepCount)}\n"
            try DirectoryWriting.writeFile(Data(state.utf8), to: tmp.appendingPathComponent("state.json"))
        }
        for old in steps(in: directory).dropLast(2) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(prefix + String(old)))
        }
        return url
    }

    /// The steps of the complete checkpoints in `directory`, ascending.
    public static func steps(in directory: URL) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix(prefix), let step = Int(name.dropFirst(prefix.count)),
                  FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).appendingPathComponent("state.json").path)
            else { return nil }
            return step
        }.sorted()
    }

    /// Restores the newest checkpoint into `parameters` and `optimizer`; returns its step (nil: none).
    public static func restoreLatest(in directory: URL, parameters: [Parameter], optimizer: AdamW) throws -> Int? {
        guard let step = steps(in: directory).last else { return nil }
        let url = directory.appendingPathComponent(prefix + String(step))
        func fail(_ reason: String) -> TrainingError { .badCheckpoint(path: url.path, reason: reason) }
        do {
            let values = try SafetensorsFile(url: url.appendingPathComponent("parameters.safetensors"))
            let moments = try SafetensorsFile(url: url.appendingPathComponent("optimizer.safetensors"))
            for (i, p) in parameters.enumerated() {
                p.value.storage.update(from: try values.floatTensor(p.name, shape: p.shape).pointer, count: p.count)
                optimizer.firstMoments[i].storage.update(from: try moments.floatTensor("m." + p.name, shape: p.shape).pointer, count: p.count)
                optimizer.secondMoments[i].storage.update(from: try moments.floatTensor("v." + p.name, shape: p.shape).pointer, count: p.count)
            }
        } catch let error as ModelFileError {
            throw fail("\(error)")
        }
        guard let data = FileManager.default.contents(atPath: url.appendingPathComponent("state.json").path),
              let state = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let saved = state["step"] as? Int, saved == step, let adam = state["optimizer_steps"] as? Int else {
            throw fail("state.json is unreadable")
        }
        optimizer.stepCount = adam
        return step
    }
}
