// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ActivityMarker — "this contract has ever had something to say", readable by
/// others with one EXTCODESIZE instead of a call through its proxy.
/// @notice A contract whose answer is trivially empty until it is first configured
/// (a `GlobalCompliance` before its first module; a `TrustedIssuersRegistry` tier before
/// its first issuer or parent tier) CREATE2-deploys a one-byte marker contract at an
/// address derived from its own (proxy) address the first time it is configured. Code
/// cannot be removed (no SELFDESTRUCT since Cancun), so the marker is permanent: a
/// caller that sees no marker knows the contract has never been configured, so calling
/// it would change nothing (a check that cannot reject, a no-op hook, an empty list) and
/// skipping the call is equivalent. With a marker every call is made as before, also
/// after the configuration is removed again.
library ActivityMarker {
    error MarkerDeploymentFailed();

    /// @dev Init code returning one zero byte as runtime code (PUSH1 1 PUSH1 0 RETURN).
    bytes internal constant MARKER_INIT_CODE = hex"60016000f3";
    /// @dev keccak256(MARKER_INIT_CODE); checked by a test.
    bytes32 internal constant MARKER_INIT_CODE_HASH =
        0x5e59e02549ba8e07ea50ebd4ed8e46ed3ef88ddfb158dda6108a036181bc9bad;

    /// @notice The marker address of the contract at `target` (CREATE2 by `target`, salt 0).
    function marker(address target) internal pure returns (address) {
        return address(
            uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), target, bytes32(0), MARKER_INIT_CODE_HASH))))
        );
    }

    /// @notice Whether the contract at `target` has ever been configured.
    function isActive(address target) internal view returns (bool) {
        return marker(target).code.length != 0;
    }

    /// @dev Called by the contract itself (address(this) = its proxy) whenever it is
    /// configured; deploys the marker the first time.
    function activate() internal {
        if (marker(address(this)).code.length != 0) return;
        bytes memory init = MARKER_INIT_CODE;
        address deployed;
        assembly ("memory-safe") {
            deployed := create2(0, add(init, 32), mload(init), 0)
        }
        if (deployed == address(0)) revert MarkerDeploymentFailed();
    }
}
