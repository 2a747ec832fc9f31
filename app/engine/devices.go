package engine

import "context"

// openDevices opens the configured camera and microphone. A device that
// fails is reported and left out rather than stopping the engine: a user
// without a camera can still take calls, see and hear the peer.
func (e *Engine) openDevices(ctx context.Context) {
	if e.camera == nil {
		cam, err := e.cfg.Devices.OpenCamera(ctx, e.cfg.Camera)
		if err != nil {
			e.emit(errorf(ErrMedia, err, "the camera could not be opened; calls will not send video"))
		} else {
			e.camera = cam
			cam.Subscribe(&e.frames) // until the camera closes
		}
	}
	if e.mic == nil {
		mic, err := e.cfg.Devices.OpenMicrophone(ctx, e.cfg.Microphone)
		if err != nil {
			e.emit(errorf(ErrMedia, err, "the microphone could not be opened; calls will not send sound"))
		} else {
			e.mic = mic
		}
	}
}

func (e *Engine) closeDevices() {
	if e.camera != nil {
		_ = e.camera.Close()
		e.camera = nil
	}
	if e.mic != nil {
		_ = e.mic.Close()
		e.mic = nil
	}
}
