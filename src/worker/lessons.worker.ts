// The lessons worker: one LessonService exposed through comlink. Grading runs here, apart
// from the interactive engine, so a slow check never holds up Run, Step or Pause.
import * as Comlink from 'comlink';
import { LessonService } from './lessons-api.ts';

Comlink.expose(new LessonService());
