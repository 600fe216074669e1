// The role journeys at desktop width (see journeys.mjs).
import { VIEWPORTS } from './support.mjs';
import { journeys } from './journeys.mjs';

journeys(VIEWPORTS.find((v) => v.name === 'desktop'));
