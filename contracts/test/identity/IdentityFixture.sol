// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {KeelTest} from "../utils/KeelTest.sol";
import {IIdentity} from "../../src/interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../../src/interfaces/onchainid/IClaimIssuer.sol";
import {KeelAccessManager} from "../../src/system/access/KeelAccessManager.sol";
import {KeelSystemRoles} from "../../src/system/access/KeelSystemRoles.sol";
import {KeelIdentity} from "../../src/identity/KeelIdentity.sol";
import {KeelClaimIssuer} from "../../src/identity/KeelClaimIssuer.sol";
import {IdentityRegistryStorage} from "../../src/identity/IdentityRegistryStorage.sol";
import {IdentityRegistry} from "../../src/identity/IdentityRegistry.sol";
import {ClaimTopicsRegistry} from "../../src/identity/ClaimTopicsRegistry.sol";
import {TrustedIssuersRegistry} from "../../src/identity/TrustedIssuersRegistry.sol";
import {IdentityFactory} from "../../src/identity/IdentityFactory.sol";

/// @notice The identity layer of one system with one asset tier: access manager,
/// shared storage, global/system/asset trusted issuers registries, the asset's topics
/// and identity registries, the identity factory (beacons), a KYC claim issuer and two
/// investors with identities. Everything is behind proxies, as deployed.
abstract contract IdentityFixture is KeelTest {
    uint256 internal constant KYC = 1;
    uint256 internal constant AML = 2;
    uint256 internal constant ACCREDITED = 7;
    uint256 internal constant SANCTIONED = 99;
    uint16 internal constant US = 840;
    uint16 internal constant DE = 276;

    uint256 internal constant SIGNER_PK = 0xA11CE;
    uint256 internal constant OTHER_PK = 0xB0B;

    address internal admin = address(this);
    address internal identityManager = makeAddr("identityManager");
    address internal policyManager = makeAddr("policyManager");
    address internal issuerOwner = makeAddr("issuerOwner");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal stranger = makeAddr("stranger");
    address internal signer;

    KeelAccessManager internal access;
    IdentityRegistryStorage internal idStorage;
    TrustedIssuersRegistry internal globalIssuers;
    TrustedIssuersRegistry internal systemIssuers;
    TrustedIssuersRegistry internal assetIssuers;
    ClaimTopicsRegistry internal topics;
    IdentityRegistry internal registry;
    IdentityFactory internal factory;
    UpgradeableBeacon internal identityBeacon;
    UpgradeableBeacon internal issuerBeacon;
    KeelClaimIssuer internal kycIssuer;
    KeelIdentity internal aliceId;
    KeelIdentity internal bobId;

    function setUp() public virtual {
        signer = vm.addr(SIGNER_PK);
        access = KeelAccessManager(_proxy(address(new KeelAccessManager()), abi.encodeCall(KeelAccessManager.initialize, (admin))));
        access.grantRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE, identityManager);
        access.grantRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE, policyManager);
        access.grantRole(KeelSystemRoles.CLAIM_ISSUER_ROLE, identityManager);

        idStorage = IdentityRegistryStorage(
            _proxy(address(new IdentityRegistryStorage()), abi.encodeCall(IdentityRegistryStorage.initialize, (address(access))))
        );
        address tirImpl = address(new TrustedIssuersRegistry());
        globalIssuers = _issuersRegistry(tirImpl, address(0));
        systemIssuers = _issuersRegistry(tirImpl, address(globalIssuers));
        assetIssuers = _issuersRegistry(tirImpl, address(systemIssuers));
        topics = ClaimTopicsRegistry(
            _proxy(address(new ClaimTopicsRegistry()), abi.encodeCall(ClaimTopicsRegistry.initialize, (address(access), address(0))))
        );
        registry = IdentityRegistry(
            _proxy(
                address(new IdentityRegistry()),
                abi.encodeCall(
                    IdentityRegistry.initialize,
                    (address(access), address(0), address(idStorage), address(topics), address(assetIssuers))
                )
            )
        );
        vm.prank(identityManager);
        idStorage.bindIdentityRegistry(address(registry));

        identityBeacon = new UpgradeableBeacon(address(new KeelIdentity(true)), admin);
        issuerBeacon = new UpgradeableBeacon(address(new KeelClaimIssuer(true)), admin);
        factory = IdentityFactory(
            _proxy(
                address(new IdentityFactory()),
                abi.encodeCall(IdentityFactory.initialize, (address(access), address(identityBeacon), address(issuerBeacon)))
            )
        );

        address[] memory keys = new address[](1);
        keys[0] = signer;
        vm.prank(identityManager);
        kycIssuer = KeelClaimIssuer(payable(factory.createClaimIssuer(issuerOwner, keys)));

        aliceId = _newIdentity(alice);
        bobId = _newIdentity(bob);
    }

    // ---------------------------------------------------------------- helpers

    function _proxy(address impl, bytes memory init) internal returns (address) {
        return address(new ERC1967Proxy(impl, init));
    }

    function _issuersRegistry(address impl, address parent) internal returns (TrustedIssuersRegistry) {
        return TrustedIssuersRegistry(
            _proxy(impl, abi.encodeCall(TrustedIssuersRegistry.initialize, (address(access), address(0), parent)))
        );
    }

    /// @dev Identity owned by `owner`, with the identity manager as CLAIM key (adds claims).
    function _newIdentity(address owner) internal returns (KeelIdentity) {
        address[] memory keys = new address[](1);
        keys[0] = identityManager;
        vm.prank(identityManager);
        return KeelIdentity(payable(factory.createIdentity(owner, keys)));
    }

    function _sign(uint256 pk, KeelClaimIssuer issuer, address identity, uint256 topic, uint64 expiresAt, bytes memory data)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, issuer.claimDigest(identity, topic, expiresAt, data));
        return abi.encodePacked(r, s, v);
    }

    /// @dev Issues (signs and stores) a claim of `issuer` on `id`.
    function _issue(KeelClaimIssuer issuer, KeelIdentity id, uint256 topic, uint64 expiresAt)
        internal
        returns (bytes memory sig)
    {
        bytes memory data = abi.encode("verified", topic);
        sig = _sign(SIGNER_PK, issuer, address(id), topic, expiresAt, data);
        vm.prank(identityManager);
        id.addClaimWithExpiry(topic, 1, address(issuer), sig, data, "https://kyc.example/claim", expiresAt);
    }

    function _trust(TrustedIssuersRegistry tier, address issuer, uint256 topic) internal {
        uint256[] memory t = new uint256[](1);
        t[0] = topic;
        vm.prank(policyManager);
        tier.addTrustedIssuer(IClaimIssuer(issuer), t);
    }

    function _require(uint256 topic) internal {
        vm.prank(policyManager);
        topics.addClaimTopic(topic);
    }

    function _register(address wallet, KeelIdentity id, uint16 country) internal {
        vm.prank(identityManager);
        registry.registerIdentity(wallet, IIdentity(address(id)), country);
    }

    function _key(address a) internal pure returns (bytes32) {
        return keccak256(abi.encode(a));
    }
}
