import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadTheme } from './lib/session';
import { takeMoved } from './lib/moved';
import { navigate, onNavigate, parseRoute } from './router';
import { Home, Join } from './views/Home';
import { PlayerView } from './views/Player';
import { WatchView } from './views/Watch';
import { DisplayView } from './views/Display';
import { HostView } from './views/Host';
import { OverlayView } from './views/Overlay';
import { EntrantView } from './views/Entrant';
import { HallView } from './views/Hall';
import { EventsView } from './views/host/Events';
import './style.css';

takeMoved(); // before any view reads the session: a switchover hands it over
document.documentElement.setAttribute('data-theme', loadTheme());

function App() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => onNavigate(() => setPath(location.pathname)), []);
  const route = parseRoute(path);
  switch (route.name) {
    case 'home':
      return <Home />;
    case 'join':
      return <Join code={route.code} />;
    case 'play':
      return <PlayerView />;
    case 'watch':
      return <WatchView />;
    case 'display':
      return <DisplayView />;
    case 'host':
      return <HostView />;
    case 'overlay':
      return <OverlayView />;
    case 'event':
      return <EntrantView />;
    case 'hall':
      return <HallView key={route.eventId || ''} eventId={route.eventId} />;
    case 'events':
      return <EventsView key={route.eventId || ''} eventId={route.eventId} checkin={route.checkin} />;
    default:
      return (
        <main class="page narrow center">
          <h1>Not found</h1>
          <p>Nothing lives at {route.path}.</p>
          <button class="btn" onClick={() => navigate('/')}>
            Go to start
          </button>
        </main>
      );
  }
}

render(<App />, document.getElementById('app')!);
