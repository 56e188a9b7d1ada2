"""The text analyser behind the port, loaded on first use (its models take seconds to load)."""
import threading


class LazyAnalyser:
    def __init__(self, load):
        self._load, self._analyser, self._lock = load, None, threading.Lock()

    def loaded(self):
        """The analyser itself, loading it now if need be."""
        if self._analyser is None:
            with self._lock:
                if self._analyser is None:
                    self._analyser = self._load()
        return self._analyser

    def analyse(self, text, **kwargs):
        return self.loaded().analyse(text, **kwargs)

    def analyse_many(self, items):
        return self.loaded().analyse_many(items)

    def learn(self, texts, scores):
        return self.loaded().learn(texts, scores)
